/** The Spark module's moving parts: what executors receive, compute and send back, and how the driver reduces it. */
package org.mtl4j.spark.internal;
