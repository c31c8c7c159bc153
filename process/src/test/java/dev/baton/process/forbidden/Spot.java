package dev.baton.process.forbidden;

/**
 * A record the compact codec could write, in a package no pool allows unless told to.
 *
 * @param x a coordinate
 */
public record Spot(int x) {}
