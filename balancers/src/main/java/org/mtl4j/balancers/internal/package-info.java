/**
 * Helpers shared by the balancers and not part of the API: tiny dense linear algebra on T x T
 * matrices (Jacobi eigen-solver, linear solves, simplex projection), Gram matrices over
 * {@link org.mtl4j.api.backend.GradientVector}s, a scalar Adam, parameter checks and factories.
 */
package org.mtl4j.balancers.internal;
