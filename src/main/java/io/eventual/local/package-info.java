/**
 * Dev mode and tests: an embedded Artemis broker and PostgreSQL, configured as the deployed ones are, started before
 * Quarkus when nothing else is configured.
 */
package io.eventual.local;
