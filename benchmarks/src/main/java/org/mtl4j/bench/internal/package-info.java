/** Helpers of the benchmarks: preloaded batches, synthetic multi-task data, peak memory, result files and the report. */
package org.mtl4j.bench.internal;
