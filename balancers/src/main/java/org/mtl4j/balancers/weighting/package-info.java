/**
 * Loss weightings: each step they choose the task weights w_k of the total loss sum_k w_k L_k, so training
 * keeps one backward pass per step (GradNorm adds the per-task gradients of the last shared layer).
 */
package org.mtl4j.balancers.weighting;
