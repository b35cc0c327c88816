package org.branchbook.app.presenter

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test

class EthnicityChoicesTest {
    private val choices = EthnicityChoices()

    @Test
    fun `a picked row gives back the key that is stored`() {
        val hmong = choices.positionOf("hmong")
        assertEquals("Mông", choices.labels[hmong])
        assertEquals("hmong", choices.keyAt(hmong))
        assertEquals(54, choices.labels.size)
        assertEquals("Kinh", choices.labels.first())
    }

    @Test
    fun `positions outside the list and unknown keys give no choice`() {
        assertNull(choices.keyAt(54))
        assertNull(choices.keyAt(-1))
        assertEquals(-1, choices.positionOf("martian"))
    }
}
