/**
 * The event loop's internals: loop-confined data structures with no synchronization, never exported
 * by the module.
 */
package dev.baton.eventloop.internal;
