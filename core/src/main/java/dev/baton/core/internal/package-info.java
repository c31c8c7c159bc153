/**
 * Helpers shared by Baton's own modules and not part of its API: exported only to the modules that
 * use them ({@code module-info.java} names them). Stateless; any thread.
 */
package dev.baton.core.internal;
