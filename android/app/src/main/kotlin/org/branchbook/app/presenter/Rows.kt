package org.branchbook.app.presenter

import java.time.ZoneOffset
import uniffi.branchbook.core.RecordState
import uniffi.branchbook.core.SubmissionInfo
import uniffi.branchbook.formatInstant
import uniffi.branchbook.recordStateName

/**
 * Vietnam's clock, UTC+7 all year: dates and times she picks are read on it (the core
 * shows stored instants on it too).
 */
internal val VIETNAM_CLOCK: ZoneOffset = ZoneOffset.ofHours(7)

/** One line of a list: the record it opens, what it is, and a second, smaller line. */
data class Row(
    /** The record's id (what a tap opens). */
    val id: String,
    /** The first line. */
    val title: String,
    /** The second line (state, date, village). */
    val detail: String,
)

/**
 * A survey as lists show it (home's drafts, a household's visits): its name from the
 * form's `instance_name`, else the form's title; its state and last change in Vietnam's
 * time. [formTitles] maps form ids to titles.
 */
internal fun surveyRow(info: SubmissionInfo, formTitles: Map<String, String>, texts: Texts): Row {
    val title = info.title?.takeIf { it.isNotBlank() } ?: formTitles[info.formId] ?: info.formId
    val at = if (info.state == RecordState.DRAFT) info.updatedAt else info.finalizedAt ?: info.updatedAt
    return Row(info.uuid, title, recordStateName(info.state, texts.language) + " · " + formatInstant(at, texts.language))
}
