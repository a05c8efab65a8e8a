/** The metric SPI and evaluation results. */
package org.mtl4j.api.metric;
