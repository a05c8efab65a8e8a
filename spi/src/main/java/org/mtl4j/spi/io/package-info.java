/** Reading and writing specs (JSON/YAML via Jackson) and model archives (one zip file per trained model). */
package org.mtl4j.spi.io;
