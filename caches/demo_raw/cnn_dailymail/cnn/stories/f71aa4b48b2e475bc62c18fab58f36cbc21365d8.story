(CNN) -- A bridge over the River Bevan that was closed 60 years ago has reopened to walkers and cyclists in Elmstead.

The repairs were paid for by local people, who raised money by selling wooden toys at weekend markets.

Olga Brennan, who led the campaign, said the crossing would bring visitors from Westmoor back to the old town.

@highlight

Bridge over the River Bevan reopens after 60 years

@highlight

Repairs in Elmstead were paid for by local fundraising

@highlight

Campaign leader Olga Brennan hopes for more visitors
