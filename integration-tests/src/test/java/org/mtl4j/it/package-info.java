/** Integration tests: the contract suites over every discovered plugin, acceptance tests against known truth. */
package org.mtl4j.it;
