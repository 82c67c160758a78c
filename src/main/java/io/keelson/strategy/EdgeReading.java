package io.keelson.strategy;

/**
 * What one host's or engine's edge said in a background read, as it said it: the counters (the edge
 * tool's {@code api "show info; show stat"}) and, where the reader listed them, the routes it serves
 * with the targets their files name ({@code routes}). A target with a {@code handover} block knows
 * its routes from the catalog; a watch target's come from its containers' labels, so only the edge
 * can list them.
 *
 * @param routes the listing, or empty when the reader did not list the routes
 */
public record EdgeReading(String stats, String routes) {}
