/**
 * The built-in metrics, one class each, every one an {@link org.mtl4j.api.metric.Metric} found by
 * name through {@link org.mtl4j.tasks.Metrics}. All return NaN where the metric is undefined (an
 * empty input, AUC on a single class, a ranking metric with no user holding a relevant item).
 */
package org.mtl4j.tasks.metric;
