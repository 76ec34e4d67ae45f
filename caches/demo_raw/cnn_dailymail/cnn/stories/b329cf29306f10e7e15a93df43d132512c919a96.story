(CNN) -- A bridge over the River Fallon that was closed 25 years ago has reopened to walkers and cyclists in Greyhaven.

The repairs were paid for by local people, who raised money by selling wild honey at weekend markets.

Grace Patel, who led the campaign, said the crossing would bring visitors from Millbrook back to the old town.

@highlight

Bridge over the River Fallon reopens after 25 years

@highlight

Repairs in Greyhaven were paid for by local fundraising

@highlight

Campaign leader Grace Patel hopes for more visitors
