package org.branchbook.app.presenter

import java.time.ZoneOffset
import uniffi.branchbook.core.ListRow
import uniffi.branchbook.vietnamUtcOffsetMinutes

/**
 * Vietnam's clock, as the core gives it: dates and times she picks are read on it (the
 * core shows stored instants on it too).
 */
internal val VIETNAM_CLOCK: ZoneOffset = ZoneOffset.ofTotalSeconds(vietnamUtcOffsetMinutes() * 60)

/** One line of a list: the core's [ListRow] (the record a tap opens, its title, a smaller second line). */
typealias Row = ListRow
