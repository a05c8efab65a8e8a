/**
 * Internals of the Tribuo backend: the multi-task factorization machine's tensors, feature
 * encoding, gradient vectors and optimisers. Not API.
 */
package org.mtl4j.backend.tribuo.internal;
