/**
 * JMH benchmarks of mtl4j: DL4J training throughput on the MMoE paper's models ({@link org.mtl4j.bench.ThroughputBench}),
 * the cost of each balancer relative to {@code equal} ({@link org.mtl4j.bench.BalancerCostBench}) and the Tribuo
 * multi-task FM against Tribuo's own single-task FM ({@link org.mtl4j.bench.TribuoFmBench}); {@link org.mtl4j.bench.BenchMain}
 * runs them for the {@code ./bench} script and writes the results table.
 */
package org.mtl4j.bench;
