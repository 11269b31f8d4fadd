/** The hardening review's inventory: every user with their rights, sent as events at start and then daily. */
package dev.rmmaudit.forwarder.inventory;
