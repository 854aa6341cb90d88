/**
 * The data of the inventory commands and replies (inventory.reserve, inventory.reserved, inventory.failed,
 * inventory.release, inventory.released) and the stock events outside services send (inventory.restock,
 * inventory.adjust).
 */
package io.eventual.event.inventory;
