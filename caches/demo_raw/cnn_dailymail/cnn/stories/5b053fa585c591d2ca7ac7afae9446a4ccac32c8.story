(CNN) -- A bridge over the River Fallon that was closed 27 years ago has reopened to walkers and cyclists in Elmstead.

The repairs were paid for by local people, who raised money by selling blue pottery at weekend markets.

Noah Kowalski, who led the campaign, said the crossing would bring visitors from Hollowmere back to the old town.

@highlight

Bridge over the River Fallon reopens after 27 years

@highlight

Repairs in Elmstead were paid for by local fundraising

@highlight

Campaign leader Noah Kowalski hopes for more visitors
