/**
 * Gradient aggregators: they combine the per-task gradients of the shared parameters (already multiplied
 * by the loss weights) into the one gradient the optimiser applies. All but GradDrop work on the T x T
 * Gram matrix and write {@code out = sum_k c_k g_k}, so they cost T(T+1)/2 dot products and T axpys on
 * top of the T backward passes, on any backend.
 */
package org.mtl4j.balancers.aggregation;
