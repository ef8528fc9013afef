/* tools/cppcheck.h - macros of system headers that cppcheck does not read (tools/lint.sh). */
#define cJSON_ArrayForEach(element, array) \
	for (element = (array != NULL) ? (array)->child : NULL; element != NULL; element = element->next)
