/** The DSL's machinery: the plugin registry, the built-in plugin, whole-graph validation and shared defaults. */
package org.mtl4j.dsl.internal;
