package org.branchbook.app.presenter

import uniffi.branchbook.core.ListRow

/** One line of a list: the core's [ListRow] (the record a tap opens, its title, a smaller second line). */
typealias Row = ListRow
