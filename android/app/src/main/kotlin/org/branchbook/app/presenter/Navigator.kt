package org.branchbook.app.presenter

/**
 * The stack of open screens, Home at the bottom. Every change is saved in the
 * preferences at once, so when the phone kills the app (low memory, a dead battery)
 * she comes back to the same screen: a survey reopens on its page with every answer,
 * because the core saved the draft on every change. A screen whose record is gone
 * (a deleted draft) is left with [back].
 */
class Navigator(private val preferences: AppPreferences) {
    private val stack = ArrayDeque<Route>()

    /** Called with the new top screen after every change. */
    var onChange: ((Route) -> Unit)? = null

    init {
        val saved = preferences.routes.mapNotNull(Route::decode)
        stack.add(Route.Home)
        stack.addAll(saved.dropWhile { it == Route.Home }.filter { it != Route.Home })
    }

    /** The screen shown now. */
    val current: Route get() = stack.last()

    /** The open screens, Home first. */
    val routes: List<Route> get() = stack.toList()

    /** Opens [route] on top of the current screen. */
    fun open(route: Route) {
        stack.addLast(route)
        changed()
    }

    /** Replaces the current screen with [route] (a new household's form gives way to the household). */
    fun replace(route: Route) {
        if (stack.size > 1) stack.removeLast()
        if (route != Route.Home) stack.addLast(route)
        changed()
    }

    /** Goes back one screen; false when Home is already the only one (the app may close). */
    fun back(): Boolean {
        if (stack.size <= 1) return false
        stack.removeLast()
        changed()
        return true
    }

    /** Back to Home, closing everything above it. */
    fun home() {
        while (stack.size > 1) stack.removeLast()
        changed()
    }

    private fun changed() {
        preferences.routes = stack.drop(1).map(Route::encode)
        onChange?.invoke(current)
    }
}
