package io.keelson.catalog;

/** Fired when the set of targets or a target's spec may have changed (reload, create, update, delete, pause). */
public record CatalogChanged() {}
