"""The site's languages besides English: detection per sentence, the policy's ``languages``
section, inflected forms, and keeping each language's rules to the sentences written in it."""
