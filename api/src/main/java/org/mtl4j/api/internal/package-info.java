/** Helpers shared by every module (not API: no compatibility promise). */
package org.mtl4j.api.internal;
