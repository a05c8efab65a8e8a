/** Implementation of the serving module: request binding, the model replica pool, JSON, metrics, the file watcher. */
package org.mtl4j.serving.internal;
