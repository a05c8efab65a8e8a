/** The codec's machinery: a parse tree that keeps line numbers, the spec binder and the record writer. */
package org.mtl4j.spi.io.internal;
