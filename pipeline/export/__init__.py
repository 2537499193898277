"""Export: processed Docs become rows (`tables`), rows become files (`writers`), and many
inputs go through the pipeline in parallel into one set of tables (`batch`)."""
