/**
 * The machine-readable contract served to other teams: the AsyncAPI document and the JSON Schemas and samples of
 * every type and version.
 */
package io.eventual.contract;
