/** Columnar batches, datasets and vocabularies: how rows reach a backend. */
package org.mtl4j.api.data;
