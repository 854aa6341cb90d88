package io.eventual.inventory;

import java.util.Map;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "eventual.inventory")
public interface InventoryConfig {

    /** Stock to create at start-up for SKUs that have none yet, by SKU. Existing stock is never overwritten. */
    Map<String, Integer> initialStock();
}
