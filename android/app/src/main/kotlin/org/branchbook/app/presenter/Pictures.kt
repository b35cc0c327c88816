package org.branchbook.app.presenter

/**
 * How much to shrink a picture of [width] x [height] pixels as it is decoded to fill
 * [roomWidth] x [roomHeight] (Android's `BitmapFactory.Options.inSampleSize`): the largest
 * power of two that still leaves it at least as large as the room on one side (fitted
 * into the room, it is then never drawn larger than decoded), so a label picture of
 * 4000 pixels drawn 700 wide costs a cheap phone 1/16 of its memory and stays sharp.
 * 1 (no shrinking) when a size is unknown.
 */
fun pictureSampleSize(width: Int, height: Int, roomWidth: Int, roomHeight: Int): Int {
    if (width <= 0 || height <= 0 || roomWidth <= 0 || roomHeight <= 0) return 1
    var sample = 1
    while (width / (sample * 2) >= roomWidth || height / (sample * 2) >= roomHeight) sample *= 2
    return sample
}
