/** Implementation of the DL4J backend; not API. */
package org.mtl4j.backend.dl4j.internal;
