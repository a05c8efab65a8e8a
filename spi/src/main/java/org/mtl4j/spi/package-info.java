/** The plugin SPI: plugins found with ServiceLoader contribute named bindings through Guice MapBinders. */
package org.mtl4j.spi;
