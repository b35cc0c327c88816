package org.branchbook.app.presenter

import java.time.Instant
import uniffi.branchbook.core.BranchbookException
import uniffi.branchbook.core.TextKey
import uniffi.branchbook.core.UiLanguage
import uniffi.branchbook.lastSentText
import uniffi.branchbook.uiFormat
import uniffi.branchbook.uiText

/**
 * The words of the screens in the chosen app language, read from the core's catalogue
 * (the iOS app reads the same one): the Kotlin code holds keys, never sentences.
 */
class Texts(val language: UiLanguage) {
    /** The text of [key]. */
    operator fun get(key: TextKey): String = uiText(key, language)

    /** The text of [key] with its placeholders filled: `format(HOME_DRAFTS, "count" to 3)`. */
    fun format(key: TextKey, vararg args: Pair<String, Any>): String =
        uiFormat(key, language, args.associate { (name, value) -> name to value.toString() })

    /** "Last sent: 12/06/2025 08:30" on Vietnam's clock, or null before the first send ([at] null). */
    fun lastSent(at: Instant?): String? = lastSentText(at, language)

    /**
     * The sentence to show for a failed call: the core's message for its kind of error.
     * Anything else (a bug, the core's internal error) reads as a storage problem, which
     * tells her what matters: nothing she did was wrong and her data is kept.
     */
    fun error(failure: Throwable): String = when (failure) {
        is BranchbookException -> failure.userMessage(language)
        else -> get(TextKey.ERROR_STORAGE)
    }
}
