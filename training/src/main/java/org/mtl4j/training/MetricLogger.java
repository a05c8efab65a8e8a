package org.mtl4j.training;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.mtl4j.api.train.EpochSummary;
import org.mtl4j.api.train.TrainingHistory;
import org.mtl4j.api.train.TrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs one INFO line per epoch through SLF4J (logger {@code org.mtl4j.training.MetricLogger}). */
public final class MetricLogger implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(MetricLogger.class);

    @Override
    public void onEpochEnd(EpochSummary s) {
        if (LOG.isInfoEnabled()) {
            LOG.info(format(s));
        }
    }

    @Override
    public void onEnd(TrainingHistory history) {
        if (history.stopReason() != null) {
            LOG.info("training stopped: {}", history.stopReason());
        }
    }

    /**
     * The line logged for an epoch, numbered from 1 like the progress bar (the API's
     * {@link EpochSummary#epoch()} counts from 0), e.g. {@code epoch 3 (1000 rows, 0.5 s): train loss ctr=0.4100
     * cvr=0.2000 | weights ctr=1.0000 cvr=1.0000 | valid loss ctr=0.4200 | valid ctr auc=0.7500}.
     */
    public static String format(EpochSummary s) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "epoch %d (%d rows, %.1f s): train loss", s.epoch() + 1, s.rows(), s.seconds()));
        values(b, s.trainLoss());
        b.append(" | weights");
        values(b, s.weights());
        if (!s.validationLoss().isEmpty()) {
            b.append(" | valid loss");
            values(b, s.validationLoss());
        }
        for (Map.Entry<String, Map<String, Double>> e : new TreeMap<>(s.validationMetrics()).entrySet()) {
            b.append(" | valid ").append(e.getKey());
            values(b, e.getValue());
        }
        return b.toString();
    }

    private static void values(StringBuilder b, Map<String, Double> m) {
        for (Map.Entry<String, Double> e : new TreeMap<>(m).entrySet()) {
            b.append(' ').append(e.getKey()).append('=').append(String.format(Locale.ROOT, "%.4f", e.getValue()));
        }
    }
}
