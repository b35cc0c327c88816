package org.branchbook.app.presenter

import uniffi.branchbook.core.HouseholdSummary
import uniffi.branchbook.core.TextKey
import uniffi.branchbook.householdRow

/** What the household list shows. */
data class HouseholdsState(
    /** What she typed in the search box. */
    val query: String = "",
    /** Households, by village and name, or the best matches of [query] first. */
    val rows: List<Row> = emptyList(),
    /** Shown instead of an empty list: "no households yet" or "nothing matches". */
    val empty: String? = null,
    /** Why the list could not be read. */
    val error: String? = null,
)

/**
 * The household registry: every household by village, or the matches of what she
 * types, updated on each letter. The core ignores accents and case, so "thao thi do"
 * finds "Thào Thị Dợ".
 */
class HouseholdsPresenter(private val scope: AppScope) : Presenter<HouseholdsState>(HouseholdsState()) {
    private var asked = 0

    /** Shows the list for the current query (on showing the screen). */
    fun refresh() = search(state.query)

    /** She typed: shows the matches of [query] (the whole list when it is blank). */
    fun search(query: String) {
        val texts = scope.texts
        val ask = ++asked
        state = state.copy(query = query)
        scope.worker.run({
            if (query.isBlank()) scope.core.listHouseholds(null, false, 0u, LIMIT)
            else scope.core.searchHouseholds(query, 0u, LIMIT)
        }) { result ->
            if (ask != asked) return@run // a later letter is on its way
            state = result.fold(
                { found -> state.copy(rows = found.map { householdRow(it, texts.language) }, empty = emptyText(found, query, texts), error = null) },
                { state.copy(rows = emptyList(), empty = null, error = texts.error(it)) },
            )
        }
    }

    /** Opens household [householdId]. */
    fun open(householdId: String) = scope.navigator.open(Route.Household(householdId))

    /** Registers a new household. */
    fun add() = scope.navigator.open(Route.HouseholdEdit(null))


    private fun emptyText(found: List<HouseholdSummary>, query: String, texts: Texts): String? = when {
        found.isNotEmpty() -> null
        query.isBlank() -> texts[TextKey.HOUSEHOLDS_EMPTY]
        else -> texts.format(TextKey.HOUSEHOLDS_NO_MATCH, "query" to query.trim())
    }

    private companion object {
        val LIMIT = 200u
    }
}
