(CNN) -- A bridge over the River Corrin that was closed 75 years ago has reopened to walkers and cyclists in Brightwater.

The repairs were paid for by local people, who raised money by selling wool blankets at weekend markets.

Umar Patel, who led the campaign, said the crossing would bring visitors from Millbrook back to the old town.

@highlight

Bridge over the River Corrin reopens after 75 years

@highlight

Repairs in Brightwater were paid for by local fundraising

@highlight

Campaign leader Umar Patel hopes for more visitors
