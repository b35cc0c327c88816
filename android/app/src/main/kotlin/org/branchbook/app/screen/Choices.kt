package org.branchbook.app.screen

import org.branchbook.app.presenter.EthnicityChoices
import org.branchbook.app.presenter.Texts
import uniffi.branchbook.core.Sex
import uniffi.branchbook.core.TextKey
import uniffi.branchbook.sexName
import uniffi.branchbook.sexes

/** The drop-down options of a person's sex, named in the app language. */
internal fun sexOptions(texts: Texts): List<Pair<Sex, String>> = sexes().map { it to sexName(it, texts.language) }

/** The drop-down options of an ethnic group: "not recorded" first, then the core's 54 groups. */
internal fun ethnicityOptions(texts: Texts): List<Pair<String?, String>> {
    val groups = EthnicityChoices()
    return listOf<Pair<String?, String>>(null to texts[TextKey.COMMON_NOT_RECORDED]) +
        groups.labels.indices.map { groups.keyAt(it) to groups.labels[it] }
}
