(CNN) -- A bridge over the River Tamsin that was closed 61 years ago has reopened to walkers and cyclists in Millbrook.

The repairs were paid for by local people, who raised money by selling wooden toys at weekend markets.

Rosa Tanaka, who led the campaign, said the crossing would bring visitors from Westmoor back to the old town.

@highlight

Bridge over the River Tamsin reopens after 61 years

@highlight

Repairs in Millbrook were paid for by local fundraising

@highlight

Campaign leader Rosa Tanaka hopes for more visitors
