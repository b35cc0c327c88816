package org.branchbook.app.presenter

import uniffi.branchbook.core.EthnicGroup
import uniffi.branchbook.ethnicGroups

/**
 * The rows of an ethnicity picker (walk-in attendee, household member): the core's 54
 * groups in GSO order, shown by their Vietnamese name, stored by their key.
 * Plain Kotlin, so it is tested on the JVM against the real core.
 */
class EthnicityChoices(private val groups: List<EthnicGroup> = ethnicGroups()) {
    /** What the picker shows, one label per row. */
    val labels: List<String> get() = groups.map { it.nameVi }

    /** The key to store when the user picks row [position]; null outside the list. */
    fun keyAt(position: Int): String? = groups.getOrNull(position)?.key

    /** The row showing the group with [key], to preselect a stored choice; -1 if unknown. */
    fun positionOf(key: String): Int = groups.indexOfFirst { it.key == key }
}
