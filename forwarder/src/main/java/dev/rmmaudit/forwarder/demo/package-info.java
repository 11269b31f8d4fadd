/** The demo: a throwaway database, the sample Automate schema and a scripted story through the real pipeline. */
package dev.rmmaudit.forwarder.demo;
