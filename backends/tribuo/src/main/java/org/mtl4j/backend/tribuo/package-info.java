/**
 * The Tribuo backend: a multi-task factorization machine on {@code org.tribuo.math}, its plugin,
 * and the bridges to Tribuo (per-task {@code Model}s with provenance, Tribuo data as mtl4j data).
 */
package org.mtl4j.backend.tribuo;
