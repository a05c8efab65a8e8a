/** The mtl4j vocabulary: immutable specs, data containers and the service-provider interfaces; no framework imports. */
package org.mtl4j.api;
