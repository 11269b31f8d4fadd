/** Reads the YAML configuration, expands environment references and reports every problem with its place. */
package dev.rmmaudit.forwarder.config;
