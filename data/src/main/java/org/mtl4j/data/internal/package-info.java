/** The one row parser shared by every data source, the CSV line reader, shuffling and random helpers. */
package org.mtl4j.data.internal;
