/** The pretrained sentence encoder all-MiniLM-L6-v2 as a {@link org.mtl4j.api.data.TextEmbedder}. */
package org.mtl4j.text.minilm;
