/**
 * The fluent DSL ({@link org.mtl4j.dsl.Mtl}) that declares a multi-task model and validates it as a
 * whole, and the runtime ({@link org.mtl4j.dsl.MtlRuntime}) that assembles plugins and trains,
 * evaluates and loads models.
 */
package org.mtl4j.dsl;
