package org.mtl4j.spark.internal;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.data.Dataset.DenseStats;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.data.BadRowPolicy;
import org.mtl4j.spi.io.SpecCodec;

/**
 * What an executor needs to rebuild the driver's model and read its rows, as plain serialisable data
 * (the spec and vocabularies as the JSON the model file holds, statistics as arrays): shipped once
 * with the closure of every job of a run.
 *
 * @param runId unique per run: keys the executors' cached models and parsed partitions
 * @param source how rows are named in errors, e.g. {@code dataframe 'clicks'}
 * @param header the DataFrame's column names, in order
 */
public record RunSetup(String runId, String specJson, String source, List<String> header, BadRowPolicy policy,
        String vocabulariesJson, Map<String, double[][]> stats) implements Serializable {
    private static final long serialVersionUID = 1L;

    public RunSetup {
        header = List.copyOf(header);
    }

    public static RunSetup of(String runId, ModelSpec spec, String source, List<String> header, BadRowPolicy policy) {
        return new RunSetup(runId, SpecCodec.toJson(spec), source, header, policy, null, Map.of());
    }

    /** The same run with its vocabularies and statistics (after the aggregation passes). */
    public RunSetup bound(Map<String, Vocabulary> vocabularies, Map<String, DenseStats> denseStats) {
        Map<String, double[][]> s = new LinkedHashMap<>();
        denseStats.forEach((k, v) -> s.put(k, new double[][] {v.mean(), v.std()}));
        return new RunSetup(runId, specJson, source, header, policy, SpecCodec.vocabulariesToJson(vocabularies), s);
    }

    public ModelSpec spec() {
        return SpecCodec.fromJson(specJson, "run " + runId);
    }

    public Map<String, Vocabulary> vocabularies() {
        return vocabulariesJson == null ? null : SpecCodec.vocabulariesFromJson(vocabulariesJson, "run " + runId);
    }

    public Map<String, DenseStats> denseStats() {
        Map<String, DenseStats> out = new LinkedHashMap<>();
        stats.forEach((k, v) -> out.put(k, new DenseStats(v[0], v[1])));
        return out;
    }
}
